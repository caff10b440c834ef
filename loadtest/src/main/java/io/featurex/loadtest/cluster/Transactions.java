package io.featurex.loadtest.cluster;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.KafkaFuture;

/** The admin API's view of one transactional id. */
final class Transactions {

    private Transactions() {}

    static KafkaFuture<TransactionDescription> describe(Admin admin, String transactionalId) {
        return admin.describeTransactions(List.of(transactionalId)).description(transactionalId);
    }
}
