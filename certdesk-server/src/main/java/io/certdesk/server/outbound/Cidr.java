package io.certdesk.server.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address block, {@code 10.0.0.0/8} or {@code fe80::/10}; a bare address is a block of one. */
record Cidr(byte[] network, int prefix) {
    Cidr {
        network = network.clone();
    }

    /** Parses {@code text}; refuses anything but an address literal with an optional prefix length. */
    static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (address.isEmpty() || !isAddressLiteral(address)) {
            throw new IllegalArgumentException("not an address block: " + text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address block: " + text);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address block: " + text);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("prefix length out of range: " + text);
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** Whether {@code text} is written as an address (IPv6 with colons, IPv4 with digits and dots), not a name to look up. */
    static boolean isAddressLiteral(String text) {
        return text.contains(":") || text.matches("[0-9.]+");
    }

    boolean contains(InetAddress address) {
        byte[] bytes = canonical(address);
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    /** IPv4-mapped IPv6 addresses ({@code ::ffff:127.0.0.1}) as the IPv4 address they are. */
    static byte[] canonical(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isMapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - bits));
        }
        return masked;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefix;
        }
    }

    boolean isIpv4() {
        return network.length == 4;
    }

    static boolean isIpv4(InetAddress address) {
        return address instanceof Inet4Address || canonical(address).length == 4;
    }
}
