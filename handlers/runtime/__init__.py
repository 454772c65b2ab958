"""What runs the handlers: the Application, its context, sending, jobs, errors, the
offline Bot API and console, health, the durable inbox, the doctor, the flows' map."""
