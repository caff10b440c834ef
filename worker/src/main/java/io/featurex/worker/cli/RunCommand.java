package io.featurex.worker.cli;

import io.featurex.worker.config.ConfigException;
import io.featurex.worker.config.ConfigSources;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.kafka.AccessCheck;
import io.featurex.worker.kafka.RequiredAcls;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The production worker. Every {@link Setting} is a flag here, generated from the catalogue so
 * the command line, the environment and the properties file can never drift apart.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a worker: consume ImageRefs, publish FeatureVectors and DeadLetters. Every option can "
                + "also be given as an environment variable (FEATUREX_ + the key, e.g. FEATUREX_BOOTSTRAP_SERVERS) "
                + "or in a properties file (--config), keyed as shown in the README.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (keys as in the README).")
    Path configFile;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description =
                    "Kafka client property passed through (TLS, SASL, ...); repeatable. Same as kafka.KEY in the file.")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Option(
            names = "--print-acls",
            description = "Print the kafka-acls.sh commands that grant exactly what this configuration needs (the"
                    + " principal from the SASL username, or --acl-principal), then exit without connecting.")
    boolean printAcls;

    @Option(
            names = "--acl-principal",
            paramLabel = "PRINCIPAL",
            description = "The principal for --print-acls, e.g. User:featurex.")
    String aclPrincipal;

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RunCommand());
        for (Setting s : Setting.values()) {
            cli.getCommandSpec()
                    .addOption(OptionSpec.builder(s.flag())
                            .paramLabel("VALUE")
                            .type(String.class)
                            .description(SettingHelp.describe(s))
                            .build());
        }
        return cli;
    }

    @Override
    public Integer call() {
        WorkerConfig config;
        try {
            config = configure();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (printAcls) {
            String principal = aclPrincipal != null ? aclPrincipal : AccessCheck.principal(config);
            for (RequiredAcls.Grant grant : RequiredAcls.forRun(config, principal)) {
                spec.commandLine().getOut().println("# " + grant.why());
                spec.commandLine().getOut().println(grant.command(config.bootstrapServers()));
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
        return WorkerProcess.runUntilStopped(config);
    }

    private WorkerConfig configure() {
        Map<String, String> flags = ConfigSources.givenFlags(
                List.of(Setting.values()),
                s -> {
                    OptionSpec option = spec.findOption(s.flag());
                    return option == null ? null : option.getValue();
                },
                kafka);
        return ConfigSources.layered(configFile, System.getenv(), flags).workerConfig();
    }
}
