"""Who the client is behind the station's own proxies: ``X-Forwarded-For`` believed only from a
trusted peer, and only up to the first address that is not a trusted proxy. Each case is a
chain of hops written out by hand."""
import ipaddress

import pytest

from gateway.forwarded import client_address, parse_networks

CONSOLE = parse_networks("10.0.0.2, 192.168.5.0/24")


@pytest.mark.parametrize(("peer", "headers", "client"), [
    # nothing is trusted: the peer, whatever it forwards
    ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
    # a trusted peer (the console) forwarding its browser's address
    ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
    # a browser that wrote its own header first: the console appended the real one at the right
    ("10.0.0.2", ["6.6.6.6, 198.51.100.7"], "198.51.100.7"),
    # two trusted proxies in a row (a TLS terminator in 192.168.5.0/24, then the console)
    ("10.0.0.2", ["198.51.100.7, 192.168.5.20"], "198.51.100.7"),
    # the same, the hops in two headers of that name
    ("10.0.0.2", ["198.51.100.7", "192.168.5.20"], "198.51.100.7"),
    # a trusted peer that forwards nothing: the peer itself
    ("10.0.0.2", [], "10.0.0.2"),
    # only trusted hops: the left-most of them
    ("10.0.0.2", ["192.168.5.20"], "192.168.5.20"),
    # garbage where an address should be: the last trusted hop, never the garbage
    ("10.0.0.2", ["not-an-address"], "10.0.0.2"),
    ("10.0.0.2", ["198.51.100.7, junk, 192.168.5.20"], "192.168.5.20"),
    # an IPv4 peer seen on an IPv6 socket is the same trusted console
    ("::ffff:10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
    ("2001:db8::1", ["198.51.100.7"], "2001:db8::1"),
])
def test_the_client_is_the_right_most_address_not_a_trusted_proxy(peer, headers, client):
    assert client_address(peer, headers, CONSOLE) == client


def test_by_default_nothing_forwarded_is_believed():
    assert parse_networks("") == ()
    assert client_address("127.0.0.1", ["198.51.100.7"], parse_networks(None)) == "127.0.0.1"


def test_a_setting_that_is_not_an_address_stops_the_gateway_naming_it():
    with pytest.raises(ValueError) as bad:
        parse_networks("10.0.0.2, console.local")
    assert str(bad.value) == ("TRUSTED_PROXIES: 'console.local' is not an address or a CIDR "
                              "network")


def test_a_network_written_from_one_of_its_addresses_is_the_whole_network():
    assert parse_networks("192.168.5.7/24") == (ipaddress.ip_network("192.168.5.0/24"),)


def test_a_request_with_no_peer_address_is_from_unknown():
    assert client_address(None, ["198.51.100.7"], CONSOLE) == "unknown"
