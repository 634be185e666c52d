def metrics():
    return {"requests": 0}
