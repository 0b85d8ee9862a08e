// Placeholder until the receiver worker lands.
export {};
