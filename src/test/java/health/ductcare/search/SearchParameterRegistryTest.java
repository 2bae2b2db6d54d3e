package health.ductcare.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The registry built from HAPI's R4 search parameter definitions, and what the indexer extracts with it. */
@QuarkusTest
class SearchParameterRegistryTest {

    @Inject
    FhirContext context;

    @Inject
    SearchParameters registry;

    @Inject
    SearchIndexer indexer;

    @Test
    void everyTypeGetsItsIndexedParametersFromTheR4Definitions() {
        Set<RestSearchParameterTypeEnum> typesSeen = EnumSet.noneOf(RestSearchParameterTypeEnum.class);
        int indexed = 0;
        for (String type : context.getResourceTypes()) {
            SearchParameters.TypeParams params = registry.of(type);
            assertThat(params.all()).containsKeys("_id", "_lastUpdated");
            params.indexed().forEach(p -> typesSeen.add(p.type()));
            indexed += params.indexed().size();
        }
        assertThat(typesSeen).containsAll(SearchParameters.INDEXED);
        assertThat(indexed).isGreaterThan(1000);
        assertThat(registry.find("Condition", "patient").orElseThrow().inPatientCompartment()).isTrue();
        assertThat(registry.find("Condition", "code").orElseThrow().type()).isEqualTo(RestSearchParameterTypeEnum.TOKEN);
    }

    @Test
    void theBooleanTokenParametersAreThoseOverBooleanElements() {
        Set<String> booleans = new TreeSet<>();
        for (String type : context.getResourceTypes()) {
            registry.all(type).stream().filter(SearchParameters.Param::booleanValued)
                    .forEach(p -> booleans.add(type + "." + p.name()));
        }
        // Group.value is a CodeableConcept or a boolean, so it stays an ordinary token.
        assertThat(booleans).containsExactly("Group.actual", "Group.exclude", "HealthcareService.active",
                "ImplementationGuide.experimental", "OperationDefinition.instance", "OperationDefinition.system",
                "OperationDefinition.type", "Organization.active", "OrganizationAffiliation.active", "Patient.active",
                "Patient.deceased", "Practitioner.active", "PractitionerRole.active", "RelatedPerson.active",
                "Schedule.active", "StructureDefinition.abstract", "StructureDefinition.experimental");
    }

    @Test
    void resolveLetsTypedReferenceExpressionsSelectByTargetType() {
        Condition condition = new Condition();
        condition.setSubject(new Reference("Patient/p1"));
        condition.setOnset(new DateTimeType("2025-03-10"));
        SearchIndexer.Rows rows = indexer.extract("Condition", condition);
        assertThat(rows.references).extracting(IndexTable.ReferenceRow::param).contains("subject", "patient");
        assertThat(rows.dates).singleElement().satisfies(d -> {
            assertThat(d.param()).isEqualTo("onset-date");
            assertThat(d.high() - d.low()).isEqualTo(86_400_000L - 1);
        });
        condition.setSubject(new Reference("Group/g1"));
        assertThat(indexer.extract("Condition", condition).references).extracting(IndexTable.ReferenceRow::param)
                .contains("subject").doesNotContain("patient");
    }
}
