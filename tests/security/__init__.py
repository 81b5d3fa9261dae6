"""Each finding of the outside security review, reproduced as an attack that must now fail."""
