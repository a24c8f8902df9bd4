"""Who the client is when a request came through a proxy of the station's own (the console, a
TLS terminator): ``X-Forwarded-For`` is believed only from a peer in ``TRUSTED_PROXIES``
(addresses or CIDR networks, comma or space separated; empty by default, so nothing forwarded is
believed), and then only as far as the proxies are trusted: the client is the right-most address
that is not itself a trusted proxy. Anything further left was written by the client and may be
anything."""
import ipaddress
import re

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(setting: str | None) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES``, read once at start: a bad entry stops the gateway, naming it."""
    networks = []
    for entry in re.split(r"[\s,]+", str(setting or "").strip()):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an address or a CIDR network"
                             ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        found = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # an IPv4 peer seen through an IPv6 socket (::ffff:10.0.0.2) is that IPv4 address
    mapped = getattr(found, "ipv4_mapped", None)
    return mapped or found


def client_address(peer: str | None, forwarded_for: list[str],
                   trusted: tuple[Network, ...]) -> str:
    """The client's address: ``peer`` (the direct connection) unless it is a trusted proxy;
    then, walking ``X-Forwarded-For`` (every header of that name, in order) from the right,
    the first address that is not a trusted proxy. An entry that is not an address ends the
    walk at the last trusted hop, as does running out of entries."""
    client = peer or "unknown"

    def is_trusted(address: Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)
    if not is_trusted(_address(client)):
        return client
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return client
        client = str(address)
        if not is_trusted(address):
            return client
    return client
