"""The floor of the execution round trip: jupyter_client talking to ipykernel over ZMQ directly.

Started by bench/roundTrip.ts with the project's Python. It starts one kernel, prints READY, then
reads commands from stdin, one a line:
  <n>     run `pass` n times and print one JSON line: the round-trip times in milliseconds
  quit    shut the kernel down and exit
A round trip is the time from sending execute_request to having both the execute_reply and the
`idle` status of that request, which is when a notebook cell counts as done.
"""

import json
import sys
import time

from jupyter_client.manager import KernelManager


def round_trip(client):
    started = time.perf_counter()
    msg_id = client.execute("pass", store_history=True, allow_stdin=False)
    replied = idle = False
    while not idle:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    while not replied:
        msg = client.get_shell_msg(timeout=30)
        replied = msg["parent_header"].get("msg_id") == msg_id
    return (time.perf_counter() - started) * 1000


def main():
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    print("READY", flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "quit":
                break
            times = [round_trip(client) for _ in range(int(command))]
            print(json.dumps(times), flush=True)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
