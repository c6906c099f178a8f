<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;

/**
 * local_cooperare_get_roles: the site's roles with their ids, shortnames and archetypes, so the tooling enrols
 * trainees, trainers and tutors by shortname (student, editingteacher, teacher) instead of assuming the ids of a
 * fresh install. Core web services can assign roles by id but cannot list them.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_roles extends external_api {
    /**
     * Parameters: none.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([]);
    }

    /**
     * List the roles, in Moodle's sort order.
     *
     * @return array
     */
    public static function execute(): array {
        self::validate_parameters(self::execute_parameters(), []);
        $context = \context_system::instance();
        self::validate_context($context);
        require_capability('local/cooperare:provision', $context);
        $roles = [];
        foreach (get_all_roles() as $role) {
            $roles[] = [
                'id' => (int) $role->id,
                'shortname' => (string) $role->shortname,
                'archetype' => (string) $role->archetype,
                'assignablecourse' => in_array(CONTEXT_COURSE, get_role_contextlevels($role->id)),
            ];
        }
        return ['roles' => $roles];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'roles' => new external_multiple_structure(
                new external_single_structure([
                    'id' => new external_value(PARAM_INT, 'Role id'),
                    'shortname' => new external_value(PARAM_ALPHANUMEXT, 'Role shortname, e.g. editingteacher'),
                    'archetype' => new external_value(PARAM_ALPHANUMEXT, 'Archetype, empty when none'),
                    'assignablecourse' => new external_value(PARAM_BOOL, 'Can be assigned in a course'),
                ]),
                'The site\'s roles in their sort order'
            ),
        ]);
    }
}
