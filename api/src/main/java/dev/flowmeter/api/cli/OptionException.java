package dev.flowmeter.api.cli;

/** A command-line option has a value the command cannot use; the message names the option and the problem. */
public final class OptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OptionException(String option, String problem) {
        super(option + ": " + problem);
    }
}
