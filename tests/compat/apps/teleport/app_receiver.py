# Receive a teleported qubit, correct it and report its state.
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection, Socket, get_qubit_state


def main(app_config=None):
    classical = Socket("receiver", "sender", log_config=app_config.log_config)
    epr_socket = EPRSocket("sender")
    with NetQASMConnection("receiver", log_config=app_config.log_config,
                           epr_sockets=[epr_socket]) as conn:
        half = epr_socket.recv_keep()[0]
        conn.flush()
        z_bit, x_bit = classical.recv_structured().payload
        if x_bit == 1:
            half.X()
        if z_bit == 1:
            half.Z()
        conn.flush()
        state = get_qubit_state(half)
        outcome = half.measure()
    return {"state": state.real.round(6).tolist(), "outcome": int(outcome)}
