package com.audmg.drive.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The client that per-client budgets count: the source address as API Gateway saw it, except that an
 * IPv6 address counts as its /64 network. One subscriber usually gets a whole /64 (or more), so keyed by
 * the full address a single client would have 2^64 fresh budgets; a /64 is the usual unit, as an IPv4
 * address is (with the same cost: a shared network shares its budget).
 */
final class ClientAddress {

    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    /** The key of the client's budget: an IPv4 address (or anything not IPv6) as given, an IPv6 one as its /64. */
    static String of(String sourceIp) {
        if (sourceIp == null || sourceIp.isBlank()) {
            return "unknown";
        }
        String ip = sourceIp.strip();
        if (ip.indexOf(':') < 0 || !IPV6_LITERAL.matcher(ip).matches()) {
            return ip;
        }
        try {
            // A literal with ':' is parsed, never looked up.
            byte[] address = InetAddress.getByName(ip).getAddress();
            if (address.length != 16) {
                return ip;
            }
            return HexFormat.of().formatHex(address, 0, 8).toLowerCase(Locale.ROOT) + "::/64";
        } catch (UnknownHostException e) {
            return ip;
        }
    }
}
