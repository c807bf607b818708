def run(app_config=None):
    return {}
