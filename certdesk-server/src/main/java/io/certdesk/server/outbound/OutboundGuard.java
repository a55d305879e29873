package io.certdesk.server.outbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the server may connect when a tenant names the destination (a connection check): an
 * operator's allow and deny lists of address blocks, and the ports allowed. The most specific
 * block that contains an address decides (an allow wins a tie with a deny); an address in no
 * block is allowed. Denied by default: loopback, link-local (the cloud metadata address
 * 169.254.169.254 among them), "this network", multicast and the IPv6 equivalents.
 */
public final class OutboundGuard {
    public static final List<String> DEFAULT_DENY = List.of(
            "127.0.0.0/8",
            "0.0.0.0/8",
            "169.254.0.0/16",
            "169.254.169.254/32",
            "224.0.0.0/4",
            "::1/128",
            "::/128",
            "fe80::/10",
            "ff00::/8",
            "fd00:ec2::254/128");
    public static final Set<Integer> DEFAULT_PORTS = Set.of(389, 636, 443, 465, 587, 25, 3268, 3269);

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final Set<Integer> ports;

    private OutboundGuard(List<Cidr> allow, List<Cidr> deny, Set<Integer> ports) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.ports = Set.copyOf(ports);
    }

    /**
     * The guard for an operator's lists (comma-separated blocks; the deny list adds to the
     * defaults) and extra ports.
     *
     * @throws IllegalArgumentException naming the entry that is not an address block or a port
     */
    public static OutboundGuard of(List<String> allow, List<String> deny, List<Integer> extraPorts) {
        List<Cidr> denied = new ArrayList<>();
        DEFAULT_DENY.forEach(d -> denied.add(Cidr.parse(d)));
        deny.stream().filter(s -> !s.isBlank()).forEach(d -> denied.add(Cidr.parse(d)));
        List<Cidr> allowed =
                allow.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
        Set<Integer> ports = new TreeSet<>(DEFAULT_PORTS);
        for (int port : extraPorts) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            ports.add(port);
        }
        return new OutboundGuard(allowed, denied, ports);
    }

    /** The defaults alone. */
    public static OutboundGuard defaults() {
        return of(List.of(), List.of(), List.of());
    }

    /**
     * The addresses {@code host} resolves to, once, all of them allowed (what a caller then
     * connects to, so a name cannot change its address in between); else why not, in a sentence.
     */
    public Resolved resolve(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            return new Resolved(java.util.List.of(), java.util.Optional.of(host + " does not resolve"));
        }
        for (InetAddress address : addresses) {
            if (!allows(address)) {
                return new Resolved(
                        java.util.List.of(),
                        java.util.Optional.of(
                                host + " (" + address.getHostAddress() + ") is not an allowed destination"));
            }
        }
        return new Resolved(java.util.List.of(addresses), java.util.Optional.empty());
    }

    /** Where a name may be reached: its addresses, or the refusal. */
    public record Resolved(java.util.List<InetAddress> addresses, java.util.Optional<String> refusal) {}

    public boolean allows(InetAddress address) {
        int allowed = longest(allow, address);
        int denied = longest(deny, address);
        return allowed >= denied;
    }

    public boolean allowsPort(int port) {
        return ports.contains(port);
    }

    public Set<Integer> ports() {
        return ports;
    }

    /** The longest prefix among {@code blocks} containing {@code address}; -1 when none does. */
    private static int longest(List<Cidr> blocks, InetAddress address) {
        int best = -1;
        for (Cidr block : blocks) {
            if (block.prefix() > best && block.contains(address)) {
                best = block.prefix();
            }
        }
        return best;
    }
}
