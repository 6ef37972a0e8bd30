"""Si Jali: the front desk registers visitors and tags them with a coloured sticker."""
