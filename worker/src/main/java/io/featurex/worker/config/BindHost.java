package io.featurex.worker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a text can name the address a server listens on: an IPv4 or IPv6 literal, or a host
 * name. Only the form is checked, so that a configuration validates without a DNS lookup; a name
 * is resolved when the server binds.
 */
public final class BindHost {

    private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
    private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
    /** RFC 1123: letters, digits and inner hyphens, at most 63 to a label. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private BindHost() {}

    /** Why {@code host} cannot be listened on; empty when its form is fine. */
    public static Optional<String> problem(String host) {
        if (host == null || host.isBlank()) {
            return Optional.of("is empty: give an IP address or a host name (0.0.0.0 for every interface)");
        }
        boolean fits = (host.contains(":") || host.startsWith("["))
                ? isIpv6(host)
                : DOTTED.matcher(host).matches() ? isIpv4(host) : isHostName(host);
        return fits ? Optional.empty() : Optional.of("'" + host + "' is not an IP address or a host name");
    }

    private static boolean isIpv4(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (!OCTET.matcher(octet).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.isEmpty() || !bare.contains(":")) {
            return false;
        }
        try {
            // In brackets the JDK parses the literal and never asks DNS, failing on a malformed one.
            InetAddress.getByName("[" + bare + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isHostName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
