package io.featurex.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * A broker that checks everything, as production ones do: clients come in over SASL_SSL with
 * SCRAM-SHA-512 and verify the broker's host name; KRaft's StandardAuthorizer denies whatever no
 * ACL allows. A second SASL_SSL listener presents a certificate for another host, to prove a
 * client refuses it. Users and ACLs are set through a PLAINTEXT listener on loopback whose
 * anonymous principal is the super user: for setting up only, never given to the code under test.
 */
public final class SecuredKafkaBroker implements AutoCloseable {

    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private final EmbeddedKafkaBroker broker;
    private final TlsMaterial tls;
    private final String setupBootstrap;
    private final String otherHostBootstrap;

    private SecuredKafkaBroker(
            EmbeddedKafkaBroker broker, TlsMaterial tls, String setupBootstrap, String otherHostBootstrap) {
        this.broker = broker;
        this.tls = tls;
        this.setupBootstrap = setupBootstrap;
        this.otherHostBootstrap = otherHostBootstrap;
    }

    /** Makes the certificates under {@code dir} and starts the broker. */
    public static SecuredKafkaBroker start(Path dir) throws IOException {
        TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
        int[][] chosen = new int[1][];
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(new EmbeddedKafkaBroker.Layout() {
            @Override
            public int ports() {
                return 4;
            }

            @Override
            public Properties properties(int[] ports, Path logDir) {
                chosen[0] = ports;
                return serverProperties(ports, logDir, tls);
            }

            @Override
            public int checkPort(int[] ports) {
                return ports[1];
            }

            @Override
            public int clientPort(int[] ports) {
                return ports[0];
            }
        });
        int[] ports = chosen[0];
        return new SecuredKafkaBroker(
                broker, tls, LoopbackPorts.HOST + ":" + ports[1], LoopbackPorts.HOST + ":" + ports[3]);
    }

    private static Properties serverProperties(int[] ports, Path logDir, TlsMaterial tls) {
        // ports: client (SASL_SSL), setup (PLAINTEXT, also between broker and controller), controller, other host
        Properties props = KraftConfig.serverProperties(ports[1], ports[2], logDir);
        String host = LoopbackPorts.HOST;
        String listeners = "CLIENT://" + host + ":" + ports[0] + ",PLAINTEXT://" + host + ":" + ports[1]
                + ",CONTROLLER://" + host + ":" + ports[2] + ",OTHERHOST://" + host + ":" + ports[3];
        props.put("listeners", listeners);
        props.put("advertised.listeners", listeners);
        props.put(
                "listener.security.protocol.map",
                "CLIENT:SASL_SSL,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,OTHERHOST:SASL_SSL");
        props.put("sasl.enabled.mechanisms", MECHANISM);
        for (String listener : List.of("client", "otherhost")) {
            props.put("listener.name." + listener + ".scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
            props.put("listener.name." + listener + ".sasl.enabled.mechanisms", MECHANISM);
            Path keyStore = listener.equals("client") ? tls.brokerKeyStore() : tls.otherHostKeyStore();
            props.put("listener.name." + listener + ".ssl.keystore.location", keyStore.toString());
            props.put("listener.name." + listener + ".ssl.keystore.password", tls.password());
            props.put("listener.name." + listener + ".ssl.key.password", tls.password());
            props.put("listener.name." + listener + ".ssl.keystore.type", "PKCS12");
        }
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("allow.everyone.if.no.acl.found", "false");
        // The broker, the controller and the set-up client meet on the PLAINTEXT listeners as ANONYMOUS.
        props.put("super.users", "User:ANONYMOUS");
        return props;
    }

    /** SASL_SSL with SCRAM, host name verified against the test CA. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The listener whose certificate names another host. */
    public String otherHostBootstrapServers() {
        return otherHostBootstrap;
    }

    /** Client properties for {@code user} (its password may be wrong: that is for the test to choose). */
    public Map<String, Object> clientProperties(String user, String password) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password),
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.trustStore().toString(),
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password(),
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    }

    public static String jaas(String user, String password) {
        return SCRAM_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    public TlsMaterial tls() {
        return tls;
    }

    /** A SCRAM user; usable once the credential has reached the broker. */
    public void addUser(String user, String password) throws IOException {
        try (Admin admin = setupAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("adding SCRAM user " + user + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted adding a user", e);
        }
    }

    public void grant(List<AclBinding> acls) throws IOException {
        try (Admin admin = setupAdmin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("creating ACLs failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted creating ACLs", e);
        }
    }

    /** The super user's client, for creating topics, users and ACLs. */
    public Admin setupAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, setupBootstrap));
    }

    public String setupBootstrapServers() {
        return setupBootstrap;
    }

    @Override
    public void close() {
        broker.close();
    }
}
