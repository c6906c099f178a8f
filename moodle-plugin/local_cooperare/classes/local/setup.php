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

namespace local_cooperare\local;

use context_system;
use moodle_exception;
use stdClass;

/**
 * What cli/setup.php does: from an installed plugin to a working web service in one step.
 *
 * Turns on web services and the REST protocol, enables the plugin's service `cooperare`, authorises a user on it and
 * gives that user a permanent token for it; then reports what it cannot fix itself (PHP's max_input_vars, the
 * Romanian language pack, the site timezone, capabilities the user lacks). Every step is idempotent: a second run
 * changes nothing and reuses the token. It never assigns roles nor changes PHP settings, and never prints a token
 * it did not create in this run.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class setup {
    /** @var string Shortname of the plugin's service. */
    public const SERVICE = 'cooperare';
    /** @var int The max_input_vars the pack is comfortable with. */
    public const MAX_INPUT_VARS = 5000;
    /** @var string Timezone the catalogue's dates are meant in. */
    public const TIMEZONE = 'Europe/Bucharest';
    /** @var string Name given to the token this script creates. */
    public const TOKEN_NAME = 'cooperare (setup.php)';

    /**
     * Run every step for a user.
     *
     * @param string $username the account the pack works as
     * @param int|null $maxinputvars PHP's max_input_vars as the web server sees it (null: this process's ini value)
     * @return array ['done' => string[] what was changed, 'ok' => string[] what already was in place,
     *                'warnings' => string[] what needs an administrator, 'token' => ?string (only when created now),
     *                'tokenid' => int, 'tokencreated' => bool]
     */
    public static function run(string $username, ?int $maxinputvars = null): array {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/webservice/lib.php');

        $user = $DB->get_record('user', ['username' => $username, 'mnethostid' => $CFG->mnet_localhost_id,
            'deleted' => 0]);
        if (!$user) {
            throw new moodle_exception('invaliduser', 'error', '', null, "no user with username '{$username}'");
        }
        if (isguestuser($user) || $user->suspended || !$user->confirmed) {
            throw new moodle_exception('invaliduser', 'error', '', null,
                "user '{$username}' is the guest, suspended or not confirmed");
        }
        $report = ['done' => [], 'ok' => [], 'warnings' => [], 'token' => null, 'tokenid' => 0,
            'tokencreated' => false];

        self::note($report, self::enable_webservices(), 'web services enabled');
        self::note($report, self::enable_rest(), 'REST protocol enabled');
        $service = self::service();
        self::note($report, self::enable_service($service), "service '" . self::SERVICE . "' enabled");
        self::note($report, self::authorise($service, (int) $user->id), "user '{$username}' authorised on the service");
        [$tokenid, $token] = self::token($service, (int) $user->id);
        $report['tokenid'] = $tokenid;
        if ($token !== null) {
            $report['token'] = $token;
            $report['tokencreated'] = true;
            $report['done'][] = "token created for '{$username}' on the service";
        } else {
            $report['ok'][] = "token for '{$username}' on the service exists (not shown again)";
        }
        $report['warnings'] = array_merge(self::capability_warnings($service, (int) $user->id),
            self::site_warnings($maxinputvars));
        return $report;
    }

    /**
     * Record one step as done (changed now) or ok (already in place).
     *
     * @param array $report
     * @param bool $changed
     * @param string $what
     */
    private static function note(array &$report, bool $changed, string $what): void {
        $report[$changed ? 'done' : 'ok'][] = $what;
    }

    /**
     * Turn on web services (Advanced features).
     *
     * @return bool whether anything changed
     */
    public static function enable_webservices(): bool {
        global $CFG;
        if (!empty($CFG->enablewebservices)) {
            return false;
        }
        set_config('enablewebservices', 1);
        return true;
    }

    /**
     * Add REST to the active web service protocols, keeping the others.
     *
     * @return bool whether anything changed
     */
    public static function enable_rest(): bool {
        global $CFG;
        $active = empty($CFG->webserviceprotocols) ? [] : explode(',', $CFG->webserviceprotocols);
        if (in_array('rest', $active, true)) {
            return false;
        }
        $active[] = 'rest';
        set_config('webserviceprotocols', implode(',', $active));
        return true;
    }

    /**
     * The plugin's service.
     *
     * @return stdClass record of external_services
     */
    public static function service(): stdClass {
        $manager = new \webservice();
        $service = $manager->get_external_service_by_shortname(self::SERVICE);
        if (!$service) {
            throw new moodle_exception('servicenotavailable', 'webservice', '', null,
                "service '" . self::SERVICE . "' not found: is local_cooperare installed and upgraded?");
        }
        return $service;
    }

    /**
     * Enable the service.
     *
     * @param stdClass $service
     * @return bool whether anything changed
     */
    public static function enable_service(stdClass $service): bool {
        if ((int) $service->enabled === 1) {
            return false;
        }
        $service->enabled = 1;
        (new \webservice())->update_external_service($service);
        return true;
    }

    /**
     * Add the user to the service's authorised users (the service is restricted to them).
     *
     * @param stdClass $service
     * @param int $userid
     * @return bool whether anything changed
     */
    public static function authorise(stdClass $service, int $userid): bool {
        $manager = new \webservice();
        if ($manager->get_ws_authorised_user($service->id, $userid)) {
            return false;
        }
        $manager->add_ws_authorised_user((object) ['externalserviceid' => $service->id, 'userid' => $userid]);
        return true;
    }

    /**
     * A permanent token of the user on the service: the existing valid one, else a new one.
     *
     * @param stdClass $service
     * @param int $userid
     * @return array [int token id, ?string the token when created now, null when it already existed]
     */
    public static function token(stdClass $service, int $userid): array {
        global $DB;
        $context = context_system::instance();
        $existing = $DB->get_records_select('external_tokens',
            'userid = :userid AND externalserviceid = :serviceid AND tokentype = :type AND contextid = :contextid '
            . 'AND (validuntil = 0 OR validuntil > :now)',
            ['userid' => $userid, 'serviceid' => $service->id, 'type' => EXTERNAL_TOKEN_PERMANENT,
                'contextid' => $context->id, 'now' => time()], 'id', 'id', 0, 1);
        if ($existing) {
            return [(int) reset($existing)->id, null];
        }
        $token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $userid, $context, 0, '',
            self::TOKEN_NAME);
        $id = (int) $DB->get_field('external_tokens', 'id', ['token' => $token]);
        return [$id, $token];
    }

    /**
     * The token of a token id (for writing it to a file on a re-run).
     *
     * @param int $tokenid
     * @return string
     */
    public static function token_value(int $tokenid): string {
        global $DB;
        return (string) $DB->get_field('external_tokens', 'token', ['id' => $tokenid], MUST_EXIST);
    }

    /**
     * Write a token to a file only its owner can read (mode 0600), creating it; an existing file holding the same
     * token is left alone, one holding anything else is refused.
     *
     * @param string $path
     * @param string $token
     * @return bool whether the file was written
     */
    public static function write_token_file(string $path, string $token): bool {
        if (file_exists($path)) {
            if (trim((string) file_get_contents($path)) !== $token) {
                throw new moodle_exception('cannotwritefile', 'error', '', $path,
                    "{$path} exists and holds something else: remove it or choose another file");
            }
            chmod($path, 0600);
            return false;
        }
        $old = umask(0077);
        try {
            $handle = fopen($path, 'x');
            if ($handle === false) {
                throw new moodle_exception('cannotwritefile', 'error', '', $path);
            }
            fwrite($handle, $token . "\n");
            fclose($handle);
        } finally {
            umask($old);
        }
        chmod($path, 0600);
        return true;
    }

    /**
     * Capabilities the user lacks for the service (an administrator has them all).
     *
     * @param stdClass $service
     * @param int $userid
     * @return string[]
     */
    public static function capability_warnings(stdClass $service, int $userid): array {
        $context = context_system::instance();
        $needed = ['webservice/rest:use', 'local/cooperare:provision'];
        if (!empty($service->requiredcapability)) {
            $needed[] = $service->requiredcapability;
        }
        $warnings = [];
        foreach (array_unique($needed) as $capability) {
            if (!has_capability($capability, $context, $userid)) {
                $warnings[] = "the user lacks {$capability} at site level: give them a role holding it "
                    . '(Manager holds local/cooperare:provision; no standard role holds webservice/rest:use)';
            }
        }
        return $warnings;
    }

    /**
     * What an administrator must fix on the server or the site: max_input_vars, the Romanian language pack, the
     * site timezone.
     *
     * @param int|null $maxinputvars PHP's max_input_vars (null: this process's ini value)
     * @return string[]
     */
    public static function site_warnings(?int $maxinputvars = null): array {
        global $CFG;
        $warnings = [];
        $maxinputvars = $maxinputvars ?? (int) ini_get('max_input_vars');
        if ($maxinputvars < self::MAX_INPUT_VARS) {
            $warnings[] = "PHP max_input_vars is {$maxinputvars} (as this PHP sees it; the web server's PHP may "
                . 'differ): set it to ' . self::MAX_INPUT_VARS . ' or more in php.ini, or set var_budget in '
                . 'cooperare.yaml to at most the value in force';
        }
        $translations = get_string_manager()->get_list_of_translations(true);
        if (!array_key_exists('ro', $translations)) {
            $warnings[] = 'the Romanian language pack (ro) is not installed: Site administration > Language > '
                . 'Language packs, or unzip ro.zip into ' . $CFG->dataroot . '/lang/';
        }
        $timezone = \core_date::get_server_timezone();
        if ($timezone !== self::TIMEZONE) {
            $warnings[] = "the site timezone is {$timezone}, not " . self::TIMEZONE . ': Site administration > '
                . 'Location > Location settings (the catalogue\'s dates are meant in ' . self::TIMEZONE . ')';
        }
        return $warnings;
    }
}
