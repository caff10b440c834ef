package io.featurex.worker.fetch;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an http(s) fetch may be pointed at, judged on the URI before anything is resolved: a host
 * that every resolver reads the same way, on the allow-list when there is one, and after a
 * redirect http or https again. Which addresses that host may resolve to is the other half of the
 * SSRF guard, {@link PublicAddressResolver}, applied where the connection takes its addresses;
 * whatever client fetches calls both.
 */
final class HttpTargetPolicy {

    /**
     * A host whose last label is a number (decimal, or 0x hex) is an IPv4 address to a browser
     * (the WHATWG URL standard's "ends in a number") and, in inet_aton's forms, to the C resolver.
     */
    private static final Pattern ENDS_IN_A_NUMBER = Pattern.compile("(?:^|\\.)(?:[0-9]+|0[xX][0-9a-fA-F]*)\\.?$");

    /** How inet_aton reads numbers: 1 to 4 parts, each decimal, 0-octal or 0x-hex. */
    private static final IPAddressStringParameters INET_ATON = new IPAddressStringParameters.Builder()
            .allowIPv6(false)
            .allow_inet_aton(true)
            .getIPv4AddressParametersBuilder()
            .allow_inet_aton_hex(true)
            .allow_inet_aton_octal(true)
            .allow_inet_aton_leading_zeros(true)
            .allow_inet_aton_joined_segments(true)
            .getParentBuilder()
            .toParams();

    private final Set<String> allowedHosts;

    /** @param allowedHosts hosts that may be fetched from, lower case; empty: any host */
    HttpTargetPolicy(Set<String> allowedHosts) {
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /** The reference's own http(s) URI. */
    void check(URI uri) throws BadInputException {
        checkHost(uri, ErrorCode.INVALID_URI);
    }

    /** Where a response redirected {@code from}: the same checks, and only to http or https. */
    void checkRedirect(URI from, URI to) throws BadInputException {
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadInputException(
                    ErrorCode.REDIRECT_SCHEME_NOT_ALLOWED,
                    from + " redirects to " + to + ": only redirects to http and https are followed");
        }
        // A Location without a host is the server's fault, not the reference's.
        checkHost(to, ErrorCode.FETCH_FAILED);
    }

    private void checkHost(URI uri, ErrorCode whenNoHost) throws BadInputException {
        String host = uri.getHost();
        if (host == null) {
            String written = writtenHost(uri.getRawAuthority());
            if (written.isEmpty()) {
                throw new BadInputException(whenNoHost, "no host in " + uri);
            }
            // java.net.URI reads no host in 127.1, 0x7f.1, 1.2.3.256 or a_b.example, while the
            // system resolver reads some of them as addresses and the rest as names.
            throw new BadInputException(
                    ErrorCode.HOST_NOT_ALLOWED,
                    "host " + written + " in " + uri + " is neither a DNS name nor a dotted-quad IPv4 address"
                            + inetAtonReading(written));
        }
        if (!host.startsWith("[") && ENDS_IN_A_NUMBER.matcher(host).find() && !isDottedQuad(host)) {
            // 0177.0.0.1 is 127.0.0.1 to inet_aton and 177.0.0.1 to the JDK: an allow-list, a
            // log reader and the resolver would each see a different host.
            throw new BadInputException(
                    ErrorCode.HOST_NOT_ALLOWED,
                    "host " + host + " is numeric but not a dotted-quad IPv4 address" + inetAtonReading(host)
                            + "; resolvers disagree on such forms, so they are refused");
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw new BadInputException(ErrorCode.HOST_NOT_ALLOWED, "host " + host + " is not in the allowed hosts");
        }
    }

    /** The host part of an authority java.net.URI could not read as a server: no user info, no port. */
    private static String writtenHost(String rawAuthority) {
        if (rawAuthority == null) {
            return "";
        }
        String host = rawAuthority.substring(rawAuthority.lastIndexOf('@') + 1);
        return host.replaceFirst(":[0-9]*$", "");
    }

    private static boolean isDottedQuad(String host) {
        return inetAton(host)
                .map(address -> address.toCanonicalString().equals(host))
                .orElse(false);
    }

    private static String inetAtonReading(String host) {
        return inetAton(host)
                .map(address -> " (inet_aton reads it as " + address + ")")
                .orElse("");
    }

    private static Optional<IPAddress> inetAton(String host) {
        IPAddress address = new IPAddressString(host, INET_ATON).getAddress();
        return address == null || !address.isIPv4() || address.isMultiple() || address.isPrefixed()
                ? Optional.empty()
                : Optional.of(address);
    }
}
