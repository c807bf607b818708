# Receive `pairs` EPR pairs from alice and measure each half in Z.
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection


def main(app_config=None, pairs=1):
    epr_socket = EPRSocket("alice")
    outcomes = []
    with NetQASMConnection("bob", epr_sockets=[epr_socket]) as conn:
        for _ in range(pairs):
            half = epr_socket.recv_keep()[0]
            outcome = half.measure()
            conn.flush()
            outcomes.append(int(outcome))
    return {"node": app_config.node_name, "outcomes": outcomes}
