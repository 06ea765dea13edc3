"""A stand-in for the Kubernetes API server's /version endpoint.

`helm list --all-namespaces` re-initialises helm's action configuration, which checks that the
cluster is reachable even with HELM_DRIVER=memory; this answers that check so capture.sh can
record helm's output without a cluster. Prints the port it listens on, then serves forever.
"""
import http.server
import json

BODY = json.dumps({"major": "1", "minor": "34", "gitVersion": "v1.34.0"}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
