package io.featurex.worker.kafka;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The worker's principal lacks grants it needs: which, in one line, and the commands that give them. */
public final class AccessDeniedException extends RuntimeException {

    private final List<String> commands;

    AccessDeniedException(String principal, List<RequiredAcls.Grant> missing, String bootstrapServers) {
        super(principal + " is not allowed "
                + missing.stream()
                        .map(g -> g.binding().entry().operation() + " on "
                                + g.binding().pattern().resourceType().name().toLowerCase(Locale.ROOT)
                                + " '" + g.binding().pattern().name() + "'"
                                + (g.binding().pattern().patternType().name().equals("PREFIXED") ? "*" : "")
                                + " (needed to " + g.why() + ")")
                        .collect(Collectors.joining("; "))
                + ": nothing was consumed");
        this.commands = missing.stream().map(g -> g.command(bootstrapServers)).toList();
    }

    /** kafka-acls.sh command lines that grant what is missing. */
    public List<String> commands() {
        return commands;
    }
}
