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
 * 169.254.169.254 among them), "this network", multicast, broadcast and the IPv6 equivalents.
 * An IPv6 address that carries an IPv4 one (IPv4-compatible, IPv4-translated, NAT64, 6to4,
 * Teredo) is allowed only when the IPv4 address it reaches is too.
 */
public final class OutboundGuard {
    public static final List<String> DEFAULT_DENY = List.of(
            "127.0.0.0/8",
            "0.0.0.0/8",
            "169.254.0.0/16",
            "169.254.169.254/32",
            "224.0.0.0/4",
            "255.255.255.255/32",
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
        if (host == null || host.isEmpty()) {
            return Resolved.refused(Refusal.UNRESOLVED, "no host named");
        }
        if (ambiguousIpv4(host)) {
            return Resolved.refused(
                    Refusal.AMBIGUOUS,
                    host + " has a part with a leading zero, which some tools read as octal (0177 as 127):"
                            + " write the address without leading zeros");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            return Resolved.refused(Refusal.UNRESOLVED, host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!allows(address)) {
                return Resolved.refused(
                        Refusal.DENIED, host + " (" + address.getHostAddress() + ") is not an allowed destination");
            }
        }
        return new Resolved(List.of(addresses), java.util.Optional.empty(), java.util.Optional.empty());
    }

    /** Why a destination is refused. */
    public enum Refusal {
        /** The name has no address. */
        UNRESOLVED,
        /** An IPv4 literal that tools read differently (a part with a leading zero). */
        AMBIGUOUS,
        /** An address it has is denied. */
        DENIED
    }

    /** Where a name may be reached: its addresses, or the refusal in a sentence and its kind. */
    public record Resolved(
            List<InetAddress> addresses, java.util.Optional<String> refusal, java.util.Optional<Refusal> kind) {
        static Resolved refused(Refusal kind, String why) {
            return new Resolved(List.of(), java.util.Optional.of(why), java.util.Optional.of(kind));
        }
    }

    /** Whether {@code address}, and the IPv4 address it carries if it is one of the IPv6 forms that do, may be reached. */
    public boolean allows(InetAddress address) {
        if (!decide(address)) {
            return false;
        }
        for (InetAddress inside : embeddedIpv4(address)) {
            if (!decide(inside)) {
                return false;
            }
        }
        return true;
    }

    private boolean decide(InetAddress address) {
        int allowed = longest(allow, address);
        int denied = longest(deny, address);
        return allowed >= denied;
    }

    /**
     * The IPv4 addresses an IPv6 address reaches by its form: IPv4-compatible ({@code ::a.b.c.d}),
     * IPv4-translated ({@code ::ffff:0:a.b.c.d}), NAT64 ({@code 64:ff9b::/96}, {@code 64:ff9b:1::/48}),
     * 6to4 ({@code 2002:AABB:CCDD::}) and Teredo (its server, and its client with the bits inverted).
     * IPv4-mapped addresses are IPv4 already ({@link Cidr#canonical}).
     */
    static List<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) {
            return List.of();
        }
        byte[] b = address.getAddress();
        List<InetAddress> found = new ArrayList<>();
        if (zero(b, 0, 12)) {
            found.add(v4(b, 12, false)); // IPv4-compatible, ::/96 (:: and ::1 are denied themselves)
        } else if (zero(b, 0, 8) && b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0) {
            found.add(v4(b, 12, false)); // IPv4-translated, ::ffff:0:0/96
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            found.add(v4(b, 12, false)); // NAT64 well-known and local-use prefixes, /96 embedding
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            found.add(v4(b, 2, false)); // 6to4, 2002::/16
        } else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            found.add(v4(b, 4, false)); // Teredo server
            found.add(v4(b, 12, true)); // Teredo client, obfuscated
        }
        return found;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] b, int at, boolean inverted) {
        byte[] v4 = java.util.Arrays.copyOfRange(b, at, at + 4);
        if (inverted) {
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) ~v4[i];
            }
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** An IPv4 literal (digits and dots) with a part that starts with 0 and has more digits. */
    static boolean ambiguousIpv4(String host) {
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        for (String part : host.split("\\.", -1)) {
            if (part.length() > 1 && part.charAt(0) == '0') {
                return true;
            }
        }
        return false;
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
