"""netqsim: discrete-event simulator for quantum networks."""
