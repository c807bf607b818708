# Create `pairs` EPR pairs with bob and measure each half in Z.
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection


def main(app_config=None, pairs=1):
    epr_socket = EPRSocket("bob")
    outcomes = []
    with NetQASMConnection("alice", epr_sockets=[epr_socket]) as conn:
        for _ in range(pairs):
            half = epr_socket.create_keep()[0]
            outcome = half.measure()
            conn.flush()
            outcomes.append(int(outcome))
    return {"node": app_config.node_name, "outcomes": outcomes}
