"""Ask (part one): meetings, their agendas and minutes, for the secretary and the board."""
