package health.ductcare.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CapabilityStatement lists every indexed parameter before its expression is parsed (parsing is lazy), so
 * every one of them must parse: a parameter HAPI's FHIRPath engine cannot read would be advertised and then
 * fail on the first write of its type.
 */
class SearchParametersParseTest {

    @Test
    void everyIndexedParameterExpressionOfEveryTypeParses() {
        FhirContext context = FhirContext.forR4Cached();
        SearchParameters registry = new SearchParameters(context);
        List<String> unparseable = new ArrayList<>();
        int parsed = 0;
        for (String type : context.getResourceTypes()) {
            for (SearchParameters.Param param : registry.of(type).indexed()) {
                try {
                    assertThat(param.expression().parsed()).isNotNull();
                    parsed++;
                } catch (IllegalStateException e) {
                    unparseable.add(type + "." + param.name() + ": " + param.expression().text());
                }
            }
        }
        assertThat(unparseable).isEmpty();
        assertThat(parsed).isGreaterThan(1000);
    }
}
