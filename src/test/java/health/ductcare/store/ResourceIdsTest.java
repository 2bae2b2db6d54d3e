package health.ductcare.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Server-assigned ids are RFC 9562 version 7 UUIDs: valid FHIR ids that sort in the order they were made. */
class ResourceIdsTest {

    private static final String FHIR_ID = "[A-Za-z0-9\\-.]{1,64}";

    @Test
    void anIdIsAVersion7UuidThatCarriesItsMillisecond() {
        long millis = 1_795_000_000_123L;
        UUID id = ResourceIds.timeOrdered(millis, new Random(7));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
        assertThat(id.toString()).matches(FHIR_ID).hasSize(36);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
        Random random = new Random(11);
        List<String> ids = new ArrayList<>();
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_000_000L + 5_000; millis += 7) {
            ids.add(ResourceIds.timeOrdered(millis, random).toString());
        }

        assertThat(ids).isSorted();
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomBits() {
        Random random = new Random(13);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(ResourceIds.timeOrdered(1_700_000_000_000L, random).toString());
        }

        assertThat(ids).hasSize(10_000);
    }

    @Test
    void newIdsAreUniqueAndValidFhirIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(ResourceIds.newId());
        }

        assertThat(ids).hasSize(10_000).allSatisfy(id -> assertThat(id).matches(FHIR_ID));
    }
}
