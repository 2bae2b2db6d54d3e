package health.ductcare.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;

/**
 * JDBC work that reads: inside a transaction on that transaction's connection, so it sees what the transaction
 * wrote; outside one on a pooled connection of its own, without opening a Hibernate session or a JTA transaction,
 * which cost a plain read or search more than its queries (bench/RESULTS.md, items 33 and 35).
 */
@ApplicationScoped
public class DirectJdbc {

    private final EntityManager entityManager;
    private final AgroalDataSource dataSource;
    private final TransactionManager transactionManager;

    public DirectJdbc(EntityManager entityManager, AgroalDataSource dataSource, TransactionManager transactionManager) {
        this.entityManager = entityManager;
        this.dataSource = dataSource;
        this.transactionManager = transactionManager;
    }

    public boolean inTransaction() {
        try {
            return transactionManager.getStatus() != Status.STATUS_NO_TRANSACTION;
        } catch (SystemException e) {
            return true;
        }
    }

    public <T> T read(ReturningWork<T> work) {
        if (inTransaction()) {
            return entityManager.unwrap(Session.class).doReturningWork(work);
        }
        try (Connection connection = dataSource.getConnection()) {
            return work.execute(connection);
        } catch (SQLException e) {
            throw new StoreAccessException(e);
        }
    }

    /** A database failure met outside Hibernate; the exception mapper reads its SQL state like Hibernate's. */
    public static class StoreAccessException extends RuntimeException {
        StoreAccessException(SQLException cause) {
            super(cause.getClass().getSimpleName(), cause);
        }
    }
}
