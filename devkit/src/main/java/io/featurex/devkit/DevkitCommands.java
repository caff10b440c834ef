package io.featurex.devkit;

import io.featurex.worker.cli.CommandSet;
import java.util.List;

/** This module's commands on the featurex command line: demo, broker, send and samples. */
public final class DevkitCommands implements CommandSet {

    @Override
    public List<Object> commands() {
        return List.of(new DemoCommand(), new BrokerCommand(), new SendCommand(), new SamplesCommand());
    }
}
