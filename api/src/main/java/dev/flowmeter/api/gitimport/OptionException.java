package dev.flowmeter.api.gitimport;

/** A command-line option has a value import-git cannot use; the message names the option and the problem. */
final class OptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OptionException(String option, String problem) {
        super(option + ": " + problem);
    }
}
