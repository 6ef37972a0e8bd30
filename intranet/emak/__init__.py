"""Si Emak: pay runs and e-mailed pay notices for every employee (DESIGN §3, issue 5)."""
