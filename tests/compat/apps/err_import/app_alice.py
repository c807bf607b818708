from netqasm.sdk.external import simulate_application  # SquidASM's, not an app's


def main(app_config=None):
    return {"runner": simulate_application.__name__}
