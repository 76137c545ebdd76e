"""The JSON Schemas aiplan ships (plan, configuration, policy pack) and how their errors are explained."""
