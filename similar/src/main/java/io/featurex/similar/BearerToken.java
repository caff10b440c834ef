package io.featurex.similar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret the query endpoints ask for. Only its SHA-256 digest is kept: a guess is digested
 * too, so the comparison takes the same time whatever the guess's length or how much of it is
 * right, and the token itself is in no field that a heap dump or a toString could show.
 */
final class BearerToken {

    /** Where a Kubernetes Secret can hand it over as an environment variable; never a flag, which ps shows. */
    static final String ENV = "FEATUREX_SIMILAR_TOKEN";

    /** RFC 6750's b64token: what an Authorization: Bearer header can carry as it is. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private static final String SCHEME = "bearer ";

    private final byte[] digest;

    private BearerToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * The token from {@code file} (null for none) or from {@link #ENV}; empty when neither is
     * given. The messages thrown name where the token came from, never what it is.
     */
    static Optional<BearerToken> from(Path file, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (file != null && fromEnv != null) {
            throw new IllegalArgumentException("give the token in --token-file or in " + ENV + ", not both");
        }
        if (file != null) {
            return Optional.of(parse(read(file), "--token-file " + file));
        }
        return fromEnv == null ? Optional.empty() : Optional.of(parse(fromEnv, ENV));
    }

    /** Whether an Authorization header's value is this token, presented with the Bearer scheme. */
    boolean admits(String authorization) {
        return presented(authorization)
                .map(guess -> MessageDigest.isEqual(digest, sha256(guess)))
                .orElse(false);
    }

    /** The credentials of a Bearer Authorization header (the scheme's name is case-insensitive); empty for any other. */
    static Optional<String> presented(String authorization) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(SCHEME.length()).strip());
    }

    @Override
    public String toString() {
        return "BearerToken(redacted)";
    }

    private static BearerToken parse(String text, String where) {
        // A file written by echo or a Secret created from one ends in a newline the client never sends.
        String token = text.strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException(where + ": the token is empty");
        }
        if (!B64TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException(where
                    + ": the token has characters a bearer token cannot carry"
                    + " (letters, digits and -._~+/ only, = at the end)");
        }
        return new BearerToken(token);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--token-file " + file + ": no such file");
        } catch (IOException e) {
            // The exception's class is enough to go on: its message could quote the bytes it choked on.
            throw new IllegalArgumentException(
                    "--token-file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
