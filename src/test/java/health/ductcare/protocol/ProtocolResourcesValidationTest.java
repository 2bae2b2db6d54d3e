package health.ductcare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.testsupport.Fhir;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtocolResourcesValidationTest {

    static Stream<Arguments> resources() {
        return Stream.of(ProtocolLoader.DEFAULT_RESOURCE, ProtocolLoader.ABM36_RESOURCE).flatMap(file -> {
            Bundle bundle = Fhir.parse(Bundle.class, file);
            Stream<Arguments> entries = bundle.getEntry().stream()
                    .map(e -> Arguments.of(file, e.getResource().fhirType() + "/" + e.getResource().getIdPart(),
                            e.getResource()));
            return Stream.concat(Stream.of(Arguments.of(file, "Bundle", bundle)), entries);
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("resources")
    void validatesAgainstR4BaseWithoutErrors(String file, String name, Resource resource) {
        assertThat(Fhir.errors(resource)).as(file + " " + name).isEmpty();
    }
}
