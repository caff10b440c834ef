package io.featurex.similar;

import io.featurex.v1.ModelIdentity;

/** A query vector from another model than the index's: the two are not comparable. */
public final class ModelMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelMismatchException(ModelIdentity index, ModelIdentity query) {
        super("the query's model differs from the index's, so their vectors are not comparable:\n"
                + "  index: " + Models.describe(index) + "\n"
                + "  query: " + Models.describe(query) + "\n"
                + "  load the query model with the settings the workers used (model.weights, model.seed, "
                + "model.width-divisor, model.preprocessing)");
    }
}
