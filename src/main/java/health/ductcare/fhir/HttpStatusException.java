package health.ductcare.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;

/** A FHIR error for the statuses HAPI has no exception class of its own for (406, 415). */
public class HttpStatusException extends BaseServerResponseException {

    public HttpStatusException(int status, String message) {
        super(status, message);
    }

    public HttpStatusException(int status, String message, IBaseOperationOutcome outcome) {
        super(status, message, outcome);
    }
}
