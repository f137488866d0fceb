"""One file per screen. A page gathers input, calls one service function, shows the result."""
