"""The framework's ceiling: a bare Flask endpoint returning a constant JSON body."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify({"status": "ok", "service": "bare"})
