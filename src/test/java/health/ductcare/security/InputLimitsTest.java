package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import health.ductcare.fhir.FhirFormat;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/** The cheap pre-parse checks, without a server. */
class InputLimitsTest {

    private final InputLimits limits = new InputLimits(10, 5);

    @Test
    void jsonDepthIgnoresBracketsInStrings() {
        assertThat(limits.jsonDepth("{\"a\":[{\"b\":1}]}")).isEqualTo(3);
        assertThat(limits.jsonDepth("{\"a\":\"[[[[[[[[[[[[{{{{{{\\\"[[[[\"}")).isEqualTo(1);
        assertThatThrownBy(() -> limits.checkText("[".repeat(11) + "]".repeat(11), FhirFormat.JSON))
                .isInstanceOf(InvalidRequestException.class);
        assertThatCode(() -> limits.checkText("[".repeat(10) + "]".repeat(10), FhirFormat.JSON)).doesNotThrowAnyException();
    }

    @Test
    void xmlDepthSkipsCommentsCdataSelfClosingAndQuotedAngles() {
        assertThat(limits.xmlDepth("<?xml version=\"1.0\"?><a><b x=\"1>2\"/><!-- <c><c><c> --><d><![CDATA[<e><e>]]></d></a>"))
                .isEqualTo(2);
        String deep = "<a>".repeat(11) + "</a>".repeat(11);
        assertThatThrownBy(() -> limits.checkText(deep, FhirFormat.XML)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void xmlDeclarationsAreRefused() {
        assertThatThrownBy(() -> limits.checkText("<!DOCTYPE x><x/>", FhirFormat.XML))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> limits.checkText("<x><!ENTITY a \"b\"></x>", FhirFormat.XML))
                .isInstanceOf(InvalidRequestException.class);
        // In JSON the same text is just a string value.
        assertThatCode(() -> limits.checkText("{\"a\":\"<!DOCTYPE x>\"}", FhirFormat.JSON)).doesNotThrowAnyException();
    }

    @Test
    void bundleEntriesCountNestedBundles() {
        Bundle outer = new Bundle();
        for (int i = 0; i < 3; i++) {
            outer.addEntry();
        }
        assertThatCode(() -> limits.checkParsed(outer)).doesNotThrowAnyException();
        Bundle inner = new Bundle();
        inner.addEntry();
        inner.addEntry();
        outer.addEntry().setResource(inner);
        assertThatThrownBy(() -> limits.checkParsed(outer)).isInstanceOf(PayloadTooLargeException.class);
    }
}
