#!/usr/bin/python3
"""Conformance of the kbrun Hetzner Cloud simulator with the official Python client (Debian python3-hcloud 1.18).

The client library runs unchanged; this script only calls its public API. It reads the endpoint and
token from HCLOUD_ENDPOINT and HCLOUD_TOKEN and refuses any endpoint that is not a loopback address,
so it can never reach the real Hetzner Cloud.

The simulator must be seeded with the fixture fleet: a server `web-01` in nbg1 with an attached
volume, `CONFORMANCE_EXPECT_SERVERS` servers in total (more than one page of 50), and the system
image `debian-12`.

Exit status 0 and a last line `CONFORMANCE OK` mean every check passed.
"""

import ipaddress
import json
import os
import sys
from urllib.parse import urlparse


def fail(message):
    print("CONFORMANCE FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def fields(obj):
    """The attributes of a client domain object (they use __slots__, so vars() does not work)."""
    return {name: getattr(obj, name, None) for name in getattr(obj, "__slots__", ())}


def loopback_endpoint():
    endpoint = os.environ.get("HCLOUD_ENDPOINT", "")
    host = urlparse(endpoint).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        fail("HCLOUD_ENDPOINT must be a loopback URL of the simulator (http://127.0.0.1:PORT/v1), got %r" % endpoint)
    return endpoint


def main():
    endpoint = loopback_endpoint()
    token = os.environ.get("HCLOUD_TOKEN", "")
    check(token != "", "HCLOUD_TOKEN is empty")
    expect_servers = int(os.environ.get("CONFORMANCE_EXPECT_SERVERS", "0"))
    poll = float(os.environ.get("CONFORMANCE_POLL_SECONDS", "0.05"))

    from hcloud import APIException, Client
    from hcloud.images.domain import Image
    from hcloud.locations.domain import Location

    client = Client(token=token, api_endpoint=endpoint, poll_interval=poll)
    done = []

    # 1. Servers, with pagination followed by the client (per_page=50).
    servers = client.servers.get_all()
    check(len(servers) == expect_servers, "get_all() found %d servers, expected %d" % (len(servers), expect_servers))
    check(len({s.id for s in servers}) == len(servers), "get_all() returned a server twice")
    page = client.servers.get_list(page=2, per_page=25)
    p = page.meta.pagination
    check(p.page == 2 and p.per_page == 25 and p.previous_page == 1, "pagination meta of page 2: %r" % fields(p))
    check(p.total_entries == expect_servers, "total_entries %r, expected %d" % (p.total_entries, expect_servers))
    check(len(page.servers) == min(25, max(0, expect_servers - 25)), "page 2 holds %d servers" % len(page.servers))
    web = client.servers.get_all(label_selector="role=web")
    check(len(web) >= 1 and all(s.labels.get("role") == "web" for s in web), "label_selector role=web")
    running = client.servers.get_all(status=["running"])
    check(len(running) == expect_servers, "status=running filter found %d" % len(running))
    done.append("list servers with pagination (%d servers)" % len(servers))

    # 2. Rename (update name and labels).
    server = client.servers.get_by_name("web-01")
    check(server is not None, "server web-01 not found by name")
    check(server.public_net.ipv4.ip.count(".") == 3, "public_net.ipv4.ip")
    check(server.private_net and server.private_net[0].ip.startswith("10.0.0."), "private_net")
    labels = dict(server.labels)
    labels["renamed"] = "yes"
    renamed = client.servers.update(server, name="web-01-renamed", labels=labels)
    check(renamed.name == "web-01-renamed", "update() answered name %r" % renamed.name)
    check(client.servers.get_by_id(server.id).name == "web-01-renamed", "the new name is not stored")
    check(client.servers.get_by_name("web-01") is None, "the old name still finds a server")
    check(client.servers.get_by_id(server.id).labels.get("renamed") == "yes", "labels not updated")
    done.append("rename web-01 -> web-01-renamed")

    # 3. Rebuild with action wait (wait_until_finished polls GET /actions/{id}).
    action = client.servers.rebuild(renamed, Image(name="debian-12"))
    check(action.command == "rebuild_server", "rebuild action command %r" % action.command)
    check(action.status == "running", "rebuild action status %r at start" % action.status)
    check(client.servers.get_by_id(server.id).status == "rebuilding", "server is not rebuilding")
    try:
        client.servers.power_off(renamed)
        fail("power_off during a rebuild was accepted")
    except APIException as error:
        check(error.code == "locked", "power_off during a rebuild answered %r, expected locked" % error.code)
    action.wait_until_finished(max_retries=2000)
    check(action.status == "success" and action.progress == 100, "rebuild ended %r/%r" % (action.status, action.progress))
    check(action.finished is not None, "rebuild action has no finished time")
    rebuilt = client.servers.get_by_id(server.id)
    check(rebuilt.status == "running", "server status %r after the rebuild" % rebuilt.status)
    check(rebuilt.image.name == "debian-12", "image %r after the rebuild" % rebuilt.image.name)
    done.append("rebuild web-01-renamed with debian-12 and wait")

    # 4. Detach and delete volumes.
    attached = [v for v in client.volumes.get_all() if v.server is not None and v.server.id == server.id]
    check(len(attached) >= 1, "no volume is attached to web-01")
    volume = attached[0]
    try:
        client.volumes.delete(volume)
        fail("deleting an attached volume was accepted")
    except APIException as error:
        check(error.code in ("service_error", "locked", "conflict"), "deleting an attached volume answered %r" % error.code)
    client.volumes.detach(volume).wait_until_finished(max_retries=2000)
    volume = client.volumes.get_by_id(volume.id)
    check(volume.server is None, "volume still attached after detach")
    check(client.volumes.delete(volume) is True, "delete() did not return True")
    check(client.volumes.get_by_name(volume.name) is None, "deleted volume still listed")
    done.append("detach and delete volume %s" % volume.name)

    # 5. Create and attach volumes.
    created = client.volumes.create(size=20, name="conformance-data", location=Location(name="nbg1"), format="ext4")
    check(created.volume.status == "creating", "new volume status %r" % created.volume.status)
    check(created.next_actions == [], "volume created with a location has next actions")
    created.action.wait_until_finished(max_retries=2000)
    fresh = client.volumes.get_by_id(created.volume.id)
    check(fresh.status == "available" and fresh.format == "ext4" and fresh.size == 20, "new volume %r" % fields(fresh.data_model))
    client.volumes.attach(fresh, rebuilt, automount=False).wait_until_finished(max_retries=2000)
    fresh = client.volumes.get_by_id(fresh.id)
    check(fresh.server is not None and fresh.server.id == server.id, "volume not attached after attach")
    check(fresh.linux_device.endswith("_%d" % fresh.id), "linux_device %r" % fresh.linux_device)
    with_server = client.volumes.create(size=10, name="conformance-logs", server=rebuilt, automount=False)
    check([a.command for a in with_server.next_actions] == ["attach_volume"], "next_actions of a volume created on a server")
    with_server.action.wait_until_finished(max_retries=2000)
    for next_action in with_server.next_actions:
        next_action.wait_until_finished(max_retries=2000)
    logs = client.volumes.get_by_id(with_server.volume.id)
    check(logs.server is not None and logs.server.id == server.id, "volume created on a server is not attached")
    on_server = {v.id for v in client.servers.get_by_id(server.id).volumes}
    check({fresh.id, logs.id} <= on_server, "server.volumes %r lacks the new volumes" % sorted(on_server))
    done.append("create and attach volumes conformance-data, conformance-logs")

    # 6. Catalog reads the modules rely on.
    check(client.server_types.get_by_name("cx22").cores == 2, "server type cx22")
    check(client.images.get_by_name("ubuntu-24.04").os_flavor == "ubuntu", "image ubuntu-24.04")
    check({l.name for l in client.locations.get_all()} >= {"nbg1", "fsn1", "hel1", "ash", "hil"}, "locations")
    check(client.locations.get_by_name("nbg1").network_zone == "eu-central", "nbg1 network zone")
    check(any(d.name == "nbg1-dc3" for d in client.datacenters.get_all()), "datacenter nbg1-dc3")
    done.append("catalog reads")

    print(json.dumps({"checks": done}))
    print("CONFORMANCE OK")


if __name__ == "__main__":
    main()
