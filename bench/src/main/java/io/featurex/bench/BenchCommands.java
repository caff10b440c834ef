package io.featurex.bench;

import io.featurex.worker.cli.CommandSet;
import java.util.List;

/** This module's commands on the featurex command line: bench. */
public final class BenchCommands implements CommandSet {

    @Override
    public List<Object> commands() {
        return List.of(new BenchCommand());
    }
}
