package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Method and path to FHIR interaction, type, id and operation. */
class FhirRequestTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
        "GET, /Condition/123, READ, Condition, 123, -",
        "HEAD, /Condition/123, READ, Condition, 123, -",
        "GET, /Condition/123/_history/2, VREAD, Condition, 123, -",
        "GET, /Condition/123/_history, HISTORY_INSTANCE, Condition, 123, -",
        "GET, /Condition/_history, HISTORY_TYPE, Condition, -, -",
        "GET, /_history, HISTORY_SYSTEM, -, -, -",
        "GET, /Condition, SEARCH, Condition, -, -",
        "POST, /Condition/_search, SEARCH, Condition, -, -",
        "GET, '', SEARCH, -, -, -",
        "POST, /Condition, CREATE, Condition, -, -",
        "PUT, /Condition/123, UPDATE, Condition, 123, -",
        "PUT, /Condition, UPDATE, Condition, -, -",
        "PATCH, /Condition/123, PATCH, Condition, 123, -",
        "DELETE, /Condition/123, DELETE, Condition, 123, -",
        "DELETE, /Condition, DELETE, Condition, -, -",
        "POST, '', TRANSACTION, -, -, -",
        "POST, /, TRANSACTION, -, -, -",
        "GET, /metadata, CAPABILITIES, -, -, -",
        "POST, /CarePlan/$generate, OPERATION, CarePlan, -, $generate",
        "GET, /PlanDefinition/pt/$apply, OPERATION, PlanDefinition, pt, $apply",
        "POST, /$export, OPERATION, -, -, $export",
        "POST, /Condition/123, OTHER, -, -, -",
        "GET, /Condition/123/extra/path, OTHER, -, -, -",
        "DELETE, /_history, OTHER, -, -, -",
    })
    void derivesInteraction(String method, String path, Interaction interaction, String type, String id,
            String operation) {
        assertThat(FhirRequest.of(method, path)).isEqualTo(new FhirRequest(interaction, type, id, operation));
    }

    @ParameterizedTest
    @CsvSource({"GET, /metadata, true", "GET, /.well-known/smart-configuration, true", "POST, /metadata, false",
        "GET, /Patient, false"})
    void publicPaths(String method, String path, boolean open) {
        assertThat(FhirRequest.isPublic(method, path)).isEqualTo(open);
    }
}
