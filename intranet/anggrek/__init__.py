"""Si Anggrek: counter service events, live board, officer metrics, flag cases, IKM survey."""
