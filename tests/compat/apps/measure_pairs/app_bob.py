# Receive `pairs` EPR pairs from alice, measured at once in Z (measure directly).
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection


def main(app_config=None, pairs=1):
    epr_socket = EPRSocket("alice")
    with NetQASMConnection("bob", epr_sockets=[epr_socket]) as conn:
        results = epr_socket.recv_measure(number=pairs)
        conn.flush()
        return {"outcomes": [int(r.measurement_outcome) for r in results]}
