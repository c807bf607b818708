# Teleport a qubit prepared at Bloch angles (phi, theta) to the receiver.
from netqasm.logging.output import get_new_app_logger
from netqasm.sdk import EPRSocket, Qubit
from netqasm.sdk.classical_communication.message import StructuredMessage
from netqasm.sdk.external import NetQASMConnection, Socket
from netqasm.sdk.toolbox import set_qubit_state


def main(app_config=None, phi=0.0, theta=0.0):
    log = get_new_app_logger(app_name=app_config.app_name, log_config=app_config.log_config)
    classical = Socket("sender", "receiver", log_config=app_config.log_config)
    epr_socket = EPRSocket("receiver")
    with NetQASMConnection("sender", log_config=app_config.log_config,
                           epr_sockets=[epr_socket]) as conn:
        payload = Qubit(conn)
        set_qubit_state(payload, phi, theta)
        half = epr_socket.create_keep()[0]
        payload.cnot(half)
        payload.H()
        z_bit = payload.measure()
        x_bit = half.measure()
    corrections = (int(z_bit), int(x_bit))
    log.log(f"corrections {corrections}")
    classical.send_structured(StructuredMessage("corrections", corrections))
    return {"z": corrections[0], "x": corrections[1]}
