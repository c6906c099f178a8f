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
 * local_cooperare_get_site_setup: what the site offers a Romanian course that core web services do not tell — the
 * installed language packs, the site's timezone (and whether it is forced), whether restricted access and
 * completion tracking are enabled.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_site_setup extends external_api {
    /**
     * Parameters: none.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([]);
    }

    /**
     * Read the site settings.
     *
     * @return array
     */
    public static function execute(): array {
        global $CFG, $DB;
        self::validate_parameters(self::execute_parameters(), []);
        $context = \context_system::instance();
        self::validate_context($context);
        require_capability('local/cooperare:provision', $context);
        $languages = [];
        foreach (get_string_manager()->get_list_of_translations(true) as $code => $name) {
            $languages[] = ['code' => (string) $code, 'name' => (string) $name];
        }
        $forced = (string) ($CFG->forcetimezone ?? '99');
        $modules = array_values(array_map('strval', $DB->get_fieldset_select('modules', 'name', 'visible = 1')));
        sort($modules);
        return [
            'languages' => $languages,
            'defaultlang' => (string) ($CFG->lang ?? 'en'),
            'timezone' => \core_date::normalise_timezone($CFG->timezone ?? '99'),
            'forcetimezone' => $forced === '99' ? '' : \core_date::normalise_timezone($forced),
            'enableavailability' => !empty($CFG->enableavailability),
            'enablecompletion' => !empty($CFG->enablecompletion),
            'modules' => $modules,
        ];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'languages' => new external_multiple_structure(
                new external_single_structure([
                    'code' => new external_value(PARAM_RAW, 'Language code, e.g. ro'),
                    'name' => new external_value(PARAM_RAW, 'Language name, e.g. Română ‎(ro)‎'),
                ]),
                'Installed language packs'
            ),
            'defaultlang' => new external_value(PARAM_RAW, 'Default language of the site'),
            'timezone' => new external_value(PARAM_RAW, 'Default timezone of the site (the server\'s when not set)'),
            'forcetimezone' => new external_value(PARAM_RAW, 'Timezone forced on every user, empty when not forced'),
            'enableavailability' => new external_value(PARAM_BOOL, 'Restricted access is enabled'),
            'enablecompletion' => new external_value(PARAM_BOOL, 'Completion tracking is enabled'),
            'modules' => new external_multiple_structure(
                new external_value(PARAM_PLUGIN, 'Module name, e.g. bigbluebuttonbn'),
                'Activity modules enabled on the site, in name order'
            ),
        ]);
    }
}
