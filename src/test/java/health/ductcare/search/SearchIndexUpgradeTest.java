package health.ductcare.search;

import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.search;
import static health.ductcare.search.SearchSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/**
 * A database written before logical references were indexed: the start-up upgrade adds their rows, leaves every
 * other row alone, records the version, and does nothing the second time.
 */
@QuarkusTest
class SearchIndexUpgradeTest {

    @Inject
    SearchIndexUpgrade upgrade;

    @Inject
    EntityManager entityManager;

    @Test
    void indexesTheLogicalReferencesOfResourcesStoredBeforeThemAndRecordsTheVersion() {
        String mrn = "MRN-" + unique();
        String condition = create("Condition", """
                {"resourceType": "Condition",
                 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1287638006"}]},
                 "subject": {"identifier": {"system": "urn:test:mrn", "value": "%s"}}}""".formatted(mrn));
        String query = "Condition?subject:identifier=urn:test:mrn|" + mrn;
        assertThat(matchIds(search(query))).containsExactly(condition);
        long pid = QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("SELECT pid FROM resource WHERE res_type = 'Condition' AND res_id = ?1")
                .setParameter(1, condition).getSingleResult()).longValue());
        long rowsBefore = tokenRows(pid);

        // as an older version left it: no identifier rows, index version 1
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("DELETE FROM idx_token WHERE res_pid = ?1 AND param LIKE '%:identifier'")
                    .setParameter(1, pid).executeUpdate();
            entityManager.createNativeQuery("UPDATE search_index_state SET version = 1").executeUpdate();
        });
        assertThat(matchIds(search(query))).isEmpty();
        assertThat(upgrade.storedVersion()).isEqualTo(1);

        assertThat(upgrade.upgrade()).isPositive();

        assertThat(matchIds(search(query))).containsExactly(condition);
        assertThat(tokenRows(pid)).isEqualTo(rowsBefore);
        assertThat(upgrade.storedVersion()).isEqualTo(SearchIndexUpgrade.CURRENT_VERSION);
        assertThat(upgrade.upgrade()).isZero();
        assertThat(tokenRows(pid)).isEqualTo(rowsBefore);
    }

    private long tokenRows(long pid) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("SELECT COUNT(*) FROM idx_token WHERE res_pid = ?1")
                .setParameter(1, pid).getSingleResult()).longValue());
    }
}
