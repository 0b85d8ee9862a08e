// Placeholder until the map lands.
export {};
