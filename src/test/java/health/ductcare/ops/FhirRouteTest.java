package health.ductcare.ops;

import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.observability.FhirRoute;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The interaction, type and template the metrics and access log use; plain JUnit, no Quarkus. */
class FhirRouteTest {

    private static final Set<String> KNOWN = Set.of("Patient", "Condition", "CarePlan", "PlanDefinition");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET,    /fhir/metadata,                        capabilities,     none,           /fhir/metadata",
            "POST,   /fhir,                                 transaction,      none,           /fhir",
            "POST,   /fhir/,                                transaction,      none,           /fhir",
            "GET,    /fhir/_history,                        history-system,   none,           /fhir/_history",
            "POST,   /fhir/Condition,                       create,           Condition,      /fhir/{type}",
            "GET,    /fhir/Condition?patient=Patient/secret, search-type,     Condition,      /fhir/{type}",
            "PUT,    /fhir/Condition,                       update,           Condition,      /fhir/{type}",
            "DELETE, /fhir/Condition,                       delete,           Condition,      /fhir/{type}",
            "POST,   /fhir/Condition/_search,               search-type,      Condition,      /fhir/{type}/_search",
            "GET,    /fhir/Condition/_history,              history-type,     Condition,      /fhir/{type}/_history",
            "GET,    /fhir/Patient/123,                     read,             Patient,        /fhir/{type}/{id}",
            "PUT,    /fhir/Patient/123,                     update,           Patient,        /fhir/{type}/{id}",
            "PATCH,  /fhir/Patient/123,                     patch,            Patient,        /fhir/{type}/{id}",
            "DELETE, /fhir/Patient/123,                     delete,           Patient,        /fhir/{type}/{id}",
            "GET,    /fhir/Patient/123/_history,            history-instance, Patient,        /fhir/{type}/{id}/_history",
            "GET,    /fhir/Patient/123/_history/2,          vread,            Patient,        /fhir/{type}/{id}/_history/{vid}",
            "POST,   /fhir/CarePlan/$generate,              operation,        CarePlan,       /fhir/{type}/$generate",
            "POST,   /fhir/PlanDefinition/p1/$apply,        operation,        PlanDefinition, /fhir/{type}/{id}/$apply",
            "POST,   /fhir/Patient/$made-up-op,             operation,        Patient,        /fhir/{type}/{operation}",
            "GET,    /fhir/Unicorn/1,                       read,             unknown,        /fhir/{type}/{id}",
            "GET,    /fhir/lowercase,                       other,            none,           other",
            "GET,    /q/health/ready,                       management,       none,           /q/health/ready",
            "GET,    /.well-known/smart-configuration,      smart-configuration, none,        /.well-known/smart-configuration",
            "GET,    /anything/else,                        other,            none,           other"
    })
    void classifies(String method, String path, String interaction, String type, String template) {
        FhirRoute route = FhirRoute.classify(method, path, KNOWN::contains);
        assertThat(route).isEqualTo(new FhirRoute(interaction, type, template));
    }

    @ParameterizedTest
    @CsvSource({"/fhir/Patient/Anna-Testmother", "/fhir/Patient/MRN-0001/_history/3", "/fhir/Patient?name=Anna"})
    void templatesNeverCarryIdsOrQueries(String path) {
        FhirRoute route = FhirRoute.classify("GET", path, KNOWN::contains);
        assertThat(route.template()).doesNotContain("Anna", "MRN", "Testmother", "?");
    }
}
