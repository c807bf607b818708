# Generate `pairs` EPR pairs with bob, measured at once in Z (measure directly).
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection


def main(app_config=None, pairs=1):
    epr_socket = EPRSocket("bob")
    with NetQASMConnection("alice", epr_sockets=[epr_socket]) as conn:
        results = epr_socket.create_measure(number=pairs)
        conn.flush()
        return {"outcomes": [int(r.measurement_outcome) for r in results]}
