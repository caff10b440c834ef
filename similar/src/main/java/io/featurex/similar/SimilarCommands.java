package io.featurex.similar;

import io.featurex.worker.cli.CommandSet;
import java.util.List;

/** This module's commands on the featurex command line: similar. */
public final class SimilarCommands implements CommandSet {

    @Override
    public List<Object> commands() {
        return List.of(new SimilarCommand());
    }
}
